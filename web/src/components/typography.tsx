/**
 * Plain text and headings with antd Typography's look (its own styles, `antd/es/typography/style`)
 * and the same markup — `<span class="ant-typography ant-typography-secondary">`, `<h4
 * class="ant-typography">` — for the shell and the queue, whose first load should not carry
 * Typography's editing, copying and measured ellipsis (with them a TextArea and a Tooltip).
 * Pages that need those keep antd's Typography.
 */
import { ConfigContext } from 'antd/es/config-provider';
import useStyle from 'antd/es/typography/style';
import { useContext, type HTMLAttributes, type ReactNode } from 'react';

function useTypographyClass(extra?: string | false, className?: string) {
  const { getPrefixCls } = useContext(ConfigContext);
  const prefixCls = getPrefixCls('typography');
  const [hashId, cssVarCls] = useStyle(prefixCls);
  return [prefixCls, extra && `${prefixCls}-${extra}`, className, hashId, cssVarCls].filter(Boolean).join(' ');
}

export interface TextProps extends HTMLAttributes<HTMLSpanElement> {
  type?: 'secondary' | 'success' | 'warning' | 'danger';
  children?: ReactNode;
}

export function Text({ type, className, children, ...rest }: TextProps) {
  const cls = useTypographyClass(type, className);
  return (
    <span {...rest} className={cls}>
      {children}
    </span>
  );
}

export interface TitleProps extends HTMLAttributes<HTMLHeadingElement> {
  level?: 1 | 2 | 3 | 4 | 5;
  children?: ReactNode;
}

export function Title({ level = 1, className, children, ...rest }: TitleProps) {
  const cls = useTypographyClass(false, className);
  const Heading = `h${level}` as const;
  return (
    <Heading {...rest} className={cls}>
      {children}
    </Heading>
  );
}
