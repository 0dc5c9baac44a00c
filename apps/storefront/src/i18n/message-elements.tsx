import { Fragment, type ReactNode } from 'react';

/**
 * Puts elements (a link, emphasis) where a translated message has their `{{name}}` placeholders, so that each
 * language keeps its own word order around them: "{{link}} to get a new link." / "新しいリンクを受け取るには、{{link}}してください。".
 */
export function withElements(text: string, elements: Record<string, ReactNode>): ReactNode {
  return text.split(/(\{\{\s*\w+\s*\}\})/).map((part, index) => {
    const name = /^\{\{\s*(\w+)\s*\}\}$/.exec(part)?.[1];
    return <Fragment key={index}>{name !== undefined && name in elements ? elements[name] : part}</Fragment>;
  });
}
