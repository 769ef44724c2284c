/** The current time as stored everywhere: UTC ISO 8601 with milliseconds. */
export const nowIso = (): string => new Date().toISOString();
