import type { Block, Inline } from '../shape/markdown';

function Spans({ inline }: { inline: Inline[] }) {
  return (
    <>
      {inline.map((s, i) =>
        s.kind === 'code' ? (
          <code key={i}>{s.text}</code>
        ) : s.kind === 'strong' ? (
          <strong key={i}>{s.text}</strong>
        ) : s.kind === 'link' ? (
          <a key={i} href={s.href} rel="noreferrer noopener" target="_blank">
            {s.text}
          </a>
        ) : (
          <span key={i}>{s.text}</span>
        ),
      )}
    </>
  );
}

/**
 * Parsed markdown (shape/markdown.ts) as React elements. Headings start at `headingLevel` (a README's `#`
 * sits under the page's own headings); tables scroll sideways like the app's other wide tables.
 */
export function Markdown({ blocks, headingLevel = 3 }: { blocks: Block[]; headingLevel?: number }) {
  return (
    <div className="markdown">
      {blocks.map((b, i) => {
        switch (b.kind) {
          case 'heading': {
            const Tag = `h${Math.min(6, b.level + headingLevel - 1)}` as 'h3';
            return (
              <Tag key={i}>
                <Spans inline={b.inline} />
              </Tag>
            );
          }
          case 'paragraph':
            return (
              <p key={i}>
                <Spans inline={b.inline} />
              </p>
            );
          case 'list': {
            const List = b.ordered ? 'ol' : 'ul';
            return (
              <List key={i}>
                {b.items.map((item, j) => (
                  <li key={j}>
                    <Spans inline={item} />
                  </li>
                ))}
              </List>
            );
          }
          case 'table':
            return (
              <div key={i} className="scroll">
                <table>
                  <thead>
                    <tr>
                      {b.head.map((cell, j) => (
                        <th key={j} scope="col">
                          <Spans inline={cell} />
                        </th>
                      ))}
                    </tr>
                  </thead>
                  <tbody>
                    {b.rows.map((row, j) => (
                      <tr key={j}>
                        {row.map((cell, k) => (
                          <td key={k}>
                            <Spans inline={cell} />
                          </td>
                        ))}
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            );
          case 'code':
            return <pre key={i}>{b.text}</pre>;
        }
      })}
    </div>
  );
}
