/**
 * The phone menu's drawer (layout-parts.tsx MenuDrawer): a chunk of its own, loaded when the menu
 * is first opened, so desktop first loads carry no drawer code.
 */
import { Drawer } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

export default function MenuDrawerPanel({ open, onClose, title, children }: { open: boolean; onClose: () => void; title: ReactNode; children: ReactNode }) {
  const { t } = useTranslation();
  return (
    <Drawer open={open} onClose={onClose} placement="left" size={264} title={title} className="menu-drawer" styles={{ body: { padding: 0 } }}>
      <nav aria-label={t('responsive.menu')} data-testid="menu-drawer">
        {children}
      </nav>
    </Drawer>
  );
}
