import { useTranslation } from 'react-i18next';
import { Icon } from '../common/Icon';

/** In the message header: wrong calculations, visible even with the inspector closed; opens it. */
export function InspectorBadge({ errors, onOpen }: { errors: number; onOpen: () => void }) {
  const { t } = useTranslation();
  if (errors <= 0) return null;
  return (
    <button type="button" className="inspector-badge" data-testid="inspector-badge" data-errors={errors} title={t('inspector.badgeTooltip', { count: errors })} onClick={onOpen}>
      <span aria-hidden="true">✗</span> {t('inspector.badge', { count: errors })}
    </button>
  );
}

/** The toggle beside the reasoning panel's header. */
export function InspectorToggle({ open, onToggle, errors }: { open: boolean; onToggle: () => void; errors: number | null }) {
  const { t } = useTranslation();
  return (
    <button
      type="button"
      className={`inspector-toggle${open ? ' is-open' : ''}${errors ? ' has-errors' : ''}`}
      data-testid="inspector-toggle"
      aria-expanded={open}
      title={open ? t('inspector.hide') : t('inspector.inspectTooltip')}
      onClick={onToggle}
    >
      <Icon name="inspect" size={13} />
      {t('inspector.inspect')}
    </button>
  );
}
