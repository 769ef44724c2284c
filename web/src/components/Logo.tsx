/** The platform's mark: a container on a dark-blue square (also the favicon). */
export function Logo({ size = 28 }: { size?: number }) {
  return (
    <svg width={size} height={size} viewBox="0 0 32 32" aria-hidden="true" focusable="false">
      <rect width="32" height="32" rx="6" fill="#0b3d91" />
      <rect x="6" y="10" width="20" height="12" rx="1.5" fill="#fff" />
      <path d="M10 12v8M14 12v8M18 12v8M22 12v8" stroke="#0b3d91" strokeWidth="1.6" />
    </svg>
  );
}
