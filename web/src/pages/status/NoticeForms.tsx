// An admin's forms on the status page: post an incident or a maintenance window, and post the
// updates of one (the last status, resolved or completed, closes it). Texts in both languages.
import { useState } from 'react';
import { App, Button, DatePicker, Form, Input, Modal, Select } from 'antd';
import { NotificationOutlined, PlusOutlined } from '@ant-design/icons';
import type { Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import { api, COMPONENT_NAMES, NOTICE_STATUSES, SEVERITIES, type ComponentName, type NoticeKind, type Severity, type StatusNotice } from '../../api';
import { errorMessage } from '../../components/errors';

interface NoticeValues {
  kind: NoticeKind;
  severity: Severity;
  titleZh: string;
  titleEn: string;
  bodyZh: string;
  bodyEn: string;
  components?: ComponentName[];
  window?: [Dayjs | null, Dayjs | null];
}

interface UpdateValues {
  status: string;
  messageZh: string;
  messageEn: string;
}

/**
 * A modal form's sending: `run(send, doneKey)` shows the spinner, then says `doneKey` and closes
 * the modal, or says the server's problem and leaves the form as typed.
 */
function useModalSubmit(onDone: () => void) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const run = async (send: () => Promise<unknown>, doneKey: string) => {
    setBusy(true);
    try {
      await send();
      message.success(t(doneKey));
      setOpen(false);
      onDone();
      return true;
    } catch (e) {
      const m = errorMessage(t, e);
      message.error(m.detail ? `${m.title}: ${m.detail}` : m.title);
      return false;
    } finally {
      setBusy(false);
    }
  };
  return { open, setOpen, busy, run };
}

function useRequired() {
  const { t } = useTranslation();
  return [{ required: true, whitespace: true, message: t('status.form.required') }];
}

export function NewNoticeButton({ onDone }: { onDone: () => void }) {
  const { t } = useTranslation();
  const required = useRequired();
  const { open, setOpen, busy, run } = useModalSubmit(onDone);
  const [form] = Form.useForm<NoticeValues>();
  const kind = Form.useWatch('kind', form);

  const submit = async (v: NoticeValues) => {
    const [start, end] = v.window ?? [null, null];
    const posted = await run(() => api.postStatusNotice({
      kind: v.kind, severity: v.severity,
      title: { zh: v.titleZh, en: v.titleEn }, body: { zh: v.bodyZh, en: v.bodyEn },
      components: v.components ?? [],
      ...(start ? { startsAt: start.toISOString() } : {}), ...(end ? { endsAt: end.toISOString() } : {}),
    }), 'status.form.posted');
    if (posted) form.resetFields();
  };

  return (
    <>
      <Button type="primary" icon={<PlusOutlined />} onClick={() => setOpen(true)}>{t('status.form.postNotice')}</Button>
      <Modal open={open} title={t('status.form.postNotice')} okText={t('status.form.publish')} cancelText={t('status.form.cancel')}
        confirmLoading={busy} onOk={() => form.submit()} onCancel={() => setOpen(false)} destroyOnHidden width={640}>
        <Form<NoticeValues> form={form} layout="vertical" onFinish={submit} initialValues={{ kind: 'incident', severity: 'minor' }}>
          <Form.Item name="kind" label={t('status.form.kind')} rules={required}>
            <Select options={(['incident', 'maintenance'] as const).map((k) => ({ value: k, label: t(`status.kind.${k}`) }))} />
          </Form.Item>
          <Form.Item name="severity" label={t('status.form.severity')} rules={required}>
            <Select options={SEVERITIES.map((s) => ({ value: s, label: t(`status.severity.${s}`) }))} />
          </Form.Item>
          <Form.Item name="titleZh" label={t('status.form.titleZh')} rules={[...required, { max: 200 }]}><Input lang="zh-CN" /></Form.Item>
          <Form.Item name="titleEn" label={t('status.form.titleEn')} rules={[...required, { max: 200 }]}><Input lang="en" /></Form.Item>
          <Form.Item name="bodyZh" label={t('status.form.bodyZh')} rules={[...required, { max: 5000 }]}><Input.TextArea lang="zh-CN" rows={3} /></Form.Item>
          <Form.Item name="bodyEn" label={t('status.form.bodyEn')} rules={[...required, { max: 5000 }]}><Input.TextArea lang="en" rows={3} /></Form.Item>
          <Form.Item name="components" label={t('status.form.components')}>
            <Select mode="multiple" options={COMPONENT_NAMES.map((c) => ({ value: c, label: t(`status.components.${c}`) }))} />
          </Form.Item>
          <Form.Item name="window" label={t(kind === 'maintenance' ? 'status.form.window' : 'status.form.windowOptional')}
            rules={kind === 'maintenance' ? [{ required: true, message: t('status.form.required') }] : []}>
            <DatePicker.RangePicker showTime allowEmpty={kind === 'maintenance' ? [false, false] : [true, true]} style={{ width: '100%' }} />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}

export function NoticeUpdateButton({ notice, onDone }: { notice: StatusNotice; onDone: () => void }) {
  const { t } = useTranslation();
  const required = useRequired();
  const { open, setOpen, busy, run } = useModalSubmit(onDone);
  const [form] = Form.useForm<UpdateValues>();

  const submit = (v: UpdateValues) =>
    run(() => api.postStatusUpdate(notice.id, { status: v.status, message: { zh: v.messageZh, en: v.messageEn } }), 'status.form.updated');

  return (
    <>
      <Button size="small" icon={<NotificationOutlined />} onClick={() => setOpen(true)}>{t('status.form.postUpdate')}</Button>
      <Modal open={open} title={t('status.form.postUpdate')} okText={t('status.form.publish')} cancelText={t('status.form.cancel')}
        confirmLoading={busy} onOk={() => form.submit()} onCancel={() => setOpen(false)} destroyOnHidden>
        <Form<UpdateValues> form={form} layout="vertical" onFinish={submit} initialValues={{ status: notice.status }}>
          <Form.Item name="status" label={t('status.form.status')} rules={required}>
            <Select options={NOTICE_STATUSES[notice.kind].map((s) => ({ value: s, label: t(`status.noticeStatus.${s}`) }))} />
          </Form.Item>
          <Form.Item name="messageZh" label={t('status.form.messageZh')} rules={[...required, { max: 5000 }]}><Input.TextArea lang="zh-CN" rows={3} /></Form.Item>
          <Form.Item name="messageEn" label={t('status.form.messageEn')} rules={[...required, { max: 5000 }]}><Input.TextArea lang="en" rows={3} /></Form.Item>
        </Form>
      </Modal>
    </>
  );
}
