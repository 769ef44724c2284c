import { Alert, Card, Result, Typography } from 'antd';
import { FileSearchOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api';
import { errorMessage } from '../../components/errors';
import type { SearchMode } from './model';

/** 404 → nothing visible for this query; other problems → a translated message with the server's detail. */
export function SearchProblem({ error, query, mode }: { error: unknown; query: string; mode: SearchMode }) {
  const { t } = useTranslation();
  if (error instanceof ApiError && error.status === 404) {
    return (
      <Card data-testid="not-found">
        <Result
          icon={<FileSearchOutlined />}
          title={t('tracking.notFoundTitle')}
          subTitle={t(`tracking.notFound.${mode}`, { query })}
          extra={<Typography.Text type="secondary">{t('tracking.notFoundHint')}</Typography.Text>}
        />
      </Card>
    );
  }
  const message = errorMessage(t, error);
  return <Alert type="error" showIcon title={message.title} description={message.detail} role="alert" data-testid="search-error" />;
}
