/**
 * 派给… : the ranked engineers for one ticket (GET /api/tickets/:id/suggestions) with the reasons
 * in words; the ones missing a hard requirement are greyed out with why, and still choosable (the
 * dispatcher decides). Choosing one opens the dispatch dialog. The keyboard and phone way to do
 * what dragging does on the board.
 */
import { Button, Empty, List, Modal, Space, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useSuggestions, type EngineerSuggestion } from '../../api/field-service';
import { LoadError, LoadingRows } from '../../components/states';
import { LevelTag, ReasonList, useIneligibleWhy } from './dispatch-parts';

export function SuggestionsModal({
  ticket,
  onClose,
  onChoose,
}: {
  ticket: { id: string; number: string; title: string };
  onClose: () => void;
  onChoose: (suggestion: EngineerSuggestion) => void;
}) {
  const { t } = useTranslation();
  const suggestions = useSuggestions(ticket.id);
  const why = useIneligibleWhy();
  return (
    <Modal open onCancel={onClose} footer={null} width={640} title={t('dispatch.pickTitle', { number: ticket.number })}>
      <Typography.Paragraph type="secondary" style={{ marginBottom: 8 }}>
        {ticket.title}
        <br />
        {t('dispatch.pickIntro')}
      </Typography.Paragraph>
      {suggestions.isPending ? (
        <LoadingRows />
      ) : suggestions.isError ? (
        <LoadError error={suggestions.error} onRetry={() => void suggestions.refetch()} />
      ) : suggestions.data.length === 0 ? (
        <Empty description={t('dispatch.noSuggestions')} />
      ) : (
        <List
          className="fs-suggestions"
          data-testid="suggestions"
          dataSource={suggestions.data}
          rowKey={(s) => s.user.id}
          renderItem={(s, index) => (
            <List.Item
              className={s.eligible ? 'fs-suggestion' : 'fs-suggestion fs-suggestion-ineligible'}
              data-testid="suggestion"
              data-user-id={s.user.id}
              data-eligible={s.eligible}
              actions={[
                <Button
                  key="choose"
                  type={s.eligible && index === 0 ? 'primary' : 'default'}
                  onClick={() => onChoose(s)}
                  data-testid="suggestion-choose"
                  aria-label={t('dispatch.assignHere', { name: s.user.name })}
                >
                  {t('dispatch.choose')}
                </Button>,
              ]}
            >
              <div className="fs-suggestion-body">
                <Space size={6} wrap>
                  <span className="fs-rank">{index + 1}</span>
                  <Typography.Text strong data-testid="suggestion-name">
                    {s.user.name}
                  </Typography.Text>
                  <LevelTag level={s.user.level} />
                  {s.user.center && <span className="muted">{s.user.center.name}</span>}
                  {!s.eligible && (
                    <Tag color="default" data-testid="suggestion-ineligible" title={why(s.reasons)}>
                      {t('dispatch.ineligible')}
                    </Tag>
                  )}
                </Space>
                <ReasonList reasons={s.reasons} />
              </div>
            </List.Item>
          )}
        />
      )}
    </Modal>
  );
}
