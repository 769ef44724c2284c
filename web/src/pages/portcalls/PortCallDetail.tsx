// One port call: the vessel and the call, the latest timestamp of each milestone (EST/REQ/PLN/ACT),
// the exchange history newest first, and — for the call's carrier or terminal — a form to send a
// timestamp (DCSA Port Call 2.0, POST /port-call/v2/events).
import { useEffect, useState } from 'react';
import { Alert, Card, Descriptions, Drawer, Empty, Flex, Grid, Spin, Table, Tag, Timeline, Tooltip, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { api, type PortCallDetail, type PortCallTimestamp, type Session } from '../../api';
import { errorMessage } from '../../components/errors';
import { CLASSIFIER_TAG, CLASSIFIERS, latestGrid, localTime, MILESTONES, sidesOf, STATUS_COLORS, type Classifier, type Milestone } from './model';
import { SendTimestamp } from './SendTimestamp';

const { Text } = Typography;

/** The detail in a drawer; closed when no call is given. */
export function PortCallDrawer({ portCallID, onClose, onChanged }: { portCallID?: string; onClose: () => void; onChanged: () => void }) {
  const { t } = useTranslation();
  const wide = Grid.useBreakpoint().lg ?? true;
  return (
    <Drawer open={!!portCallID} onClose={onClose} size={wide ? 960 : '100%'} title={t('portCalls.detail.title')} destroyOnHidden>
      {portCallID && <PortCallView key={portCallID} portCallID={portCallID} onChanged={onChanged} />}
    </Drawer>
  );
}

function PortCallView({ portCallID, onChanged }: { portCallID: string; onChanged: () => void }) {
  const { t } = useTranslation();
  const [state, setState] = useState<{ data?: PortCallDetail; error?: unknown }>({});
  const [session, setSession] = useState<Session>();
  const [nonce, setNonce] = useState(0);

  useEffect(() => { api.session().then(setSession, () => undefined); }, []);
  useEffect(() => {
    let cancelled = false;
    api.portCall(portCallID).then((data) => { if (!cancelled) setState({ data }); }, (error: unknown) => { if (!cancelled) setState({ error }); });
    return () => { cancelled = true; };
  }, [portCallID, nonce]);

  if (state.error) {
    const m = errorMessage(t, state.error);
    return <Alert type="error" showIcon title={m.title} description={m.detail} role="alert" />;
  }
  const call = state.data;
  if (!call) return <Flex justify="center" style={{ padding: 48 }}><Spin /></Flex>;
  const sides = session ? sidesOf(session.party.id, call) : [];

  return (
    <Flex vertical gap={16} data-testid="port-call-detail">
      <Descriptions
        size="small"
        bordered
        column={{ xs: 1, md: 2 }}
        items={[
          { key: 'vessel', label: t('portCalls.detail.vessel'), children: <Text strong>{call.vesselName ?? '—'}</Text> },
          { key: 'imo', label: t('portCalls.detail.imo'), children: call.vesselIMONumber },
          { key: 'service', label: t('portCalls.detail.service'), children: `${call.carrierServiceCode}${call.carrierServiceName ? ` · ${call.carrierServiceName}` : ''}` },
          { key: 'voyage', label: t('portCalls.detail.voyage'), children: `${call.importVoyageNumber} / ${call.exportVoyageNumber}` },
          { key: 'terminal', label: t('portCalls.detail.terminal'), children: `${call.terminalCode} · ${call.UNLocationCode}` },
          { key: 'berth', label: t('portCalls.detail.berth'), children: call.berthId ?? '—' },
          { key: 'status', label: t('portCalls.detail.status'), children: <Tag color={STATUS_COLORS[call.status]}>{t(`portCalls.status.${call.status}`)}</Tag> },
          { key: 'reference', label: t('portCalls.detail.reference'), children: call.terminalCallReference },
          { key: 'moves', label: t('portCalls.detail.expectedMoves'), children: call.expectedMoves ?? '—' },
          { key: 'cranes', label: t('portCalls.detail.cranes'), children: call.cranesUsed ?? '—' },
        ]}
      />
      <Card size="small" title={t('portCalls.detail.latest')}>
        <MilestoneGrid latest={call.latestTimestamps} />
      </Card>
      {sides.length > 0 && (
        <Card size="small" title={t('portCalls.send.title')}>
          <SendTimestamp call={call} sides={sides} onSent={() => { setNonce((n) => n + 1); onChanged(); }} />
        </Card>
      )}
      <Card size="small" title={t('portCalls.detail.history', { count: call.history.length })}>
        <History history={call.history} />
      </Card>
    </Flex>
  );
}

function MilestoneGrid({ latest }: { latest: PortCallTimestamp[] }) {
  const { t } = useTranslation();
  const grid = latestGrid(latest);
  return (
    <Table<Milestone>
      data-testid="milestones"
      size="small"
      rowKey="key"
      pagination={false}
      dataSource={MILESTONES}
      scroll={{ x: 640 }}
      columns={[
        { key: 'milestone', title: t('portCalls.detail.milestone'), render: (_, m) => <Text strong>{t(`portCalls.milestone.${m.key}`)}</Text> },
        ...CLASSIFIERS.map((c: Classifier) => ({
          key: c,
          title: <Tooltip title={t(`portCalls.classifier.${c}`)}>{c}</Tooltip>,
          render: (_: unknown, m: Milestone) => {
            const ts = grid.get(`${m.key}|${c}`);
            if (!m.definitions[c]) return <Text type="secondary">·</Text>;
            return ts ? <Text data-testid={`ts-${m.definitions[c]!.id}`}>{localTime(ts.serviceDateTime)}</Text> : <Text type="secondary">—</Text>;
          },
        })),
      ]}
    />
  );
}

function History({ history }: { history: PortCallTimestamp[] }) {
  const { t } = useTranslation();
  if (!history.length) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('portCalls.detail.noHistory')} />;
  return (
    <Timeline
      data-testid="history"
      items={history.map((h) => {
        const remark = h.event.timestamp?.remark;
        return {
          key: h.eventID,
          color: { ACT: 'green', PLN: 'gray', EST: 'blue', REQ: 'orange' }[h.classifierCode ?? ''] ?? 'gray',
          content: (
            <div data-testid="history-entry">
              <Flex gap={8} wrap align="center">
                <Text strong>{h.timestampDefinition}</Text>
                {h.classifierCode && <Tag color={CLASSIFIER_TAG[h.classifierCode]} variant="outlined">{t(`portCalls.classifier.${h.classifierCode}`)}</Tag>}
                <Tag color={h.sentBy === 'carrier' ? 'geekblue' : h.sentBy === 'terminal' ? 'cyan' : 'default'}>{t(`portCalls.sentBy.${h.sentBy}`)}</Tag>
              </Flex>
              <div>
                {h.serviceDateTime && <Text>{localTime(h.serviceDateTime)}</Text>}
                {h.movesTotal !== null && <Text>{t('portCalls.detail.moves', { count: h.movesTotal })}</Text>}
                <Text type="secondary" style={{ fontSize: 12 }}> · {t('portCalls.detail.received', { time: localTime(h.receivedDateTime) })}</Text>
              </div>
              {remark && <div><Text type="secondary">{t('portCalls.detail.remark')}: </Text><Text>{remark}</Text></div>}
            </div>
          ),
        };
      })}
    />
  );
}
