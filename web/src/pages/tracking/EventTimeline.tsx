import type { ReactNode } from 'react';
import { Empty, Flex, Grid, Space, Tag, Timeline, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { DcsaEvent } from '../../api';
import { classifierColor, eventCode, eventOwnTime, placeOf, utcOf, viewerTime } from './model';
import { useCodeLabels } from './labels';

const { Text } = Typography;

function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Flex gap={6} wrap style={{ lineHeight: 1.7 }}>
      <Text type="secondary" style={{ minWidth: 96 }}>{label}</Text>
      <Text>{children}</Text>
    </Flex>
  );
}

/** The events of a container or shipment in time order; dots by classifier (ACT green, EST blue, PLN gray). */
export function EventTimeline({ events, fresh }: { events: DcsaEvent[]; fresh?: ReadonlySet<string> }) {
  const { t } = useTranslation();
  const label = useCodeLabels();
  // Narrow screens: the time goes above the event instead of in a column of its own.
  const wide = Grid.useBreakpoint().md ?? true;
  if (!events.length) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('tracking.noEvents')} />;

  return (
    <Timeline
      mode="start"
      titleSpan={wide ? '180px' : undefined}
      items={events.map((e) => {
        const local = viewerTime(utcOf(e));
        const own = eventOwnTime(e);
        const { group, code } = eventCode(e);
        const place = placeOf(e);
        const tc = e.transportCall;
        const vessel = tc?.vessel;
        const docs = e.documentReferences ?? [];
        const time = (
          <Flex vertical={wide} gap={wide ? 0 : 6} wrap style={{ lineHeight: 1.4 }}>
            <Text strong style={{ whiteSpace: 'nowrap' }}>{local.text}</Text>
            <Text type="secondary" style={{ fontSize: 12 }}>{t('event.yourTime', { offset: local.offset })}</Text>
          </Flex>
        );
        return {
          key: e.eventID,
          color: classifierColor(e.eventClassifierCode),
          title: wide ? time : undefined,
          content: (
            <div data-testid="timeline-event" data-event-id={e.eventID} style={{ paddingBottom: 8 }}>
              {!wide && <div style={{ marginBottom: 4 }}>{time}</div>}
              <Space size={[8, 4]} wrap style={{ marginBottom: 4 }}>
                <Text strong style={{ fontSize: 15 }}>{label.event(group, code)}</Text>
                <Text type="secondary" style={{ fontSize: 12 }}>{code}</Text>
                <Tag color={{ green: 'success', blue: 'processing', gray: 'default' }[classifierColor(e.eventClassifierCode)]} variant="outlined">
                  {label.classifier(e.eventClassifierCode)}
                </Tag>
                {e.emptyIndicatorCode && <Tag>{label.emptyIndicator(e.emptyIndicatorCode)}</Tag>}
                {fresh?.has(e.eventID) && <Tag color="gold">{t('tracking.newEvent')}</Tag>}
              </Space>
              {own && <div><Text type="secondary" style={{ fontSize: 12 }}>{t('event.ownTime', { time: own.text, offset: own.offset })}</Text></div>}
              {e.eventType === 'SHIPMENT' && e.documentID && (
                <Field label={t('event.document')}>{label.documentType(e.documentTypeCode)} {e.documentID}</Field>
              )}
              {place && (
                <Field label={t('event.place')}>
                  {[place.locationName, place.UNLocationCode].filter(Boolean).join(' · ')}
                </Field>
              )}
              {vessel && (vessel.vesselName || vessel.vesselIMONumber) && (
                <Field label={t('event.vessel')}>
                  {[vessel.vesselName, vessel.vesselIMONumber && t('event.imo', { imo: vessel.vesselIMONumber })].filter(Boolean).join(' · ')}
                </Field>
              )}
              {(tc?.exportVoyageNumber || tc?.importVoyageNumber) && (
                <Field label={t('event.voyage')}>
                  {[...new Set([tc.exportVoyageNumber, tc.importVoyageNumber].filter(Boolean))].join(' / ')}
                  {tc.carrierServiceCode && <Text type="secondary"> · {t('event.service')} {tc.carrierServiceCode}</Text>}
                </Field>
              )}
              {tc?.modeOfTransport && <Field label={t('event.mode')}>{label.modeOfTransport(tc.modeOfTransport)}</Field>}
              {docs.length > 0 && (
                <Field label={t('event.documents')}>
                  {docs.map((d) => (
                    <Tag key={`${d.documentReferenceType}:${d.documentReferenceValue}`} style={{ marginInlineEnd: 4 }}>
                      {label.documentType(d.documentReferenceType)} {d.documentReferenceValue}
                    </Tag>
                  ))}
                </Field>
              )}
              {e.reason && <Field label={t('event.reason')}>{e.reason}</Field>}
              {e.delayReasonCode && <Field label={t('event.delay')}>{e.delayReasonCode}</Field>}
              {e.changeRemark && <Field label={t('event.remark')}>{e.changeRemark}</Field>}
              {e.publisher && <Field label={t('event.publisher')}>{e.publisher.partyName}</Field>}
            </div>
          ),
        };
      })}
    />
  );
}
