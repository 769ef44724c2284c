import { useTranslation } from 'react-i18next';

/** Translated DCSA codes; an unknown code is shown as it is. */
export function useCodeLabels() {
  const { t } = useTranslation();
  const code = (group: string, value: string | null | undefined) => (value ? t(`codes.${group}.${value}`, { defaultValue: value }) : '');
  return {
    event: (group: 'equipment' | 'transport' | 'shipment', value: string) => code(group, value),
    equipment: (value: string | null | undefined) => code('equipment', value),
    classifier: (value: string) => code('classifier', value),
    emptyIndicator: (value: string | null | undefined) => code('emptyIndicator', value),
    modeOfTransport: (value: string) => code('modeOfTransport', value),
    documentType: (value: string | null | undefined) => code('documentType', value),
  };
}
