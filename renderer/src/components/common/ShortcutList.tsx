import { useTranslation } from 'react-i18next';
import { shortcutLabels } from '../../lib/shortcuts';

/** The keyboard shortcuts, as shown on the welcome screen and the settings page. */
export function ShortcutList() {
  const { t } = useTranslation();
  const rows: [string, string][] = [
    [t('shortcuts.enter'), t('shortcuts.send')],
    [t('shortcuts.shiftEnter'), t('shortcuts.newline')],
    [t('shortcuts.escape'), t('shortcuts.stop')],
    [shortcutLabels.newChat, t('shortcuts.newChat')],
    [shortcutLabels.settings, t('shortcuts.settings')],
  ];
  return (
    <dl className="shortcut-list">
      {rows.map(([keys, action]) => (
        <div key={action} className="shortcut-row">
          <dt>
            <kbd>{keys}</kbd>
          </dt>
          <dd>{action}</dd>
        </div>
      ))}
    </dl>
  );
}
