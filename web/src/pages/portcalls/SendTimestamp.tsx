// Send one timestamp of a call, as the carrier or the terminal may (model.ts `sendable`): the
// milestone, the classifier, a date-time, a remark. A refusal says the server's reason in the reader's language.
import { useMemo, useState } from 'react';
import { Alert, App, Button, DatePicker, Flex, Input, Select } from 'antd';
import { SendOutlined } from '@ant-design/icons';
import dayjs, { type Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import { api, ApiError, type PortCall } from '../../api';
import { errorMessage } from '../../components/errors';
import { problemTexts } from '../../components/problems';
import { isoWithOffset, MILESTONES, sendable, timestampEvent, type Classifier, type MilestoneKey, type Side } from './model';

export function SendTimestamp({ call, sides, onSent }: { call: PortCall; sides: Side[]; onSent: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const options = useMemo(() => sendable(sides), [sides]);
  const [choice, setChoice] = useState<string>(options[0] ? `${options[0].milestone.key}|${options[0].classifier}` : '');
  const [at, setAt] = useState<Dayjs | null>(() => dayjs().second(0).millisecond(0));
  const [remark, setRemark] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<{ title: string; detail?: string }>();

  const submit = async () => {
    const [key, classifier] = choice.split('|') as [MilestoneKey, Classifier];
    const milestone = MILESTONES.find((m) => m.key === key);
    if (!milestone || !at) return;
    setBusy(true);
    setProblem(undefined);
    try {
      await api.sendPortCallEvents([timestampEvent(call.portCallID, milestone, classifier, isoWithOffset(at.toDate()), remark.trim() || undefined)]);
      message.success(t('portCalls.send.sent'));
      setRemark('');
      onSent();
    } catch (e) {
      const m = errorMessage(t, e);
      // The Port Call problem names the broken rule; say it (in the reader's language) whatever the status.
      setProblem(e instanceof ApiError && e.problem ? { title: m.title, detail: problemTexts(t, e.problem).join(' ') || undefined } : m);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Flex vertical gap={12} data-testid="send-timestamp">
      <Flex gap={8} wrap>
        <Select
          style={{ minWidth: 300 }}
          showSearch={{ optionFilterProp: 'label' }}
          aria-label={t('portCalls.send.what')}
          value={choice}
          onChange={setChoice}
          options={options.map((o) => ({
            value: `${o.milestone.key}|${o.classifier}`,
            label: `${o.id} — ${t(`portCalls.milestone.${o.milestone.key}`)} (${t(`portCalls.classifier.${o.classifier}`)})`,
          }))}
        />
        <DatePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" value={at} onChange={setAt} aria-label={t('portCalls.send.time')} />
        <Input style={{ width: 240 }} placeholder={t('portCalls.send.remark')} aria-label={t('portCalls.send.remark')} value={remark} maxLength={500} onChange={(e) => setRemark(e.target.value)} />
        <Button type="primary" icon={<SendOutlined />} loading={busy} disabled={!choice || !at} onClick={submit}>{t('portCalls.send.submit')}</Button>
      </Flex>
      {problem && <Alert type="error" showIcon title={problem.title} description={problem.detail} role="alert" data-testid="send-error" closable onClose={() => setProblem(undefined)} />}
    </Flex>
  );
}
