import { type ReactNode, useEffect, useRef } from 'react';
import { useDocumentTitle } from '../hooks/useDocumentTitle';

export interface PageHeadingProps {
  title: string;
  /** Small line above the title (breadcrumb-like context). */
  eyebrow?: ReactNode;
  /** Text under the title. */
  description?: ReactNode;
  /** Buttons or links on the right. */
  actions?: ReactNode;
}

/**
 * The page's one `<h1>`. After an in-app navigation it takes focus, so keyboard and screen
 * reader users land at the top of the new screen instead of on a link that no longer exists.
 */
export function PageHeading({ title, eyebrow, description, actions }: PageHeadingProps) {
  const ref = useRef<HTMLHeadingElement>(null);
  useDocumentTitle(title);
  useEffect(() => {
    const active = document.activeElement;
    if (active === null || active === document.body || !document.body.contains(active)) {
      ref.current?.focus({ preventScroll: true });
    }
  }, []);
  return (
    <div className="page-heading">
      <div className="page-heading__text">
        {eyebrow && <div className="page-heading__eyebrow">{eyebrow}</div>}
        <h1 ref={ref} tabIndex={-1}>
          {title}
        </h1>
        {description && <p className="page-heading__description">{description}</p>}
      </div>
      {actions && <div className="page-heading__actions">{actions}</div>}
    </div>
  );
}
