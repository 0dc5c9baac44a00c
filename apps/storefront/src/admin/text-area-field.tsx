import { useId, type TextareaHTMLAttributes } from 'react';

type TextAreaFieldProps = { label: string; error?: string; hint?: string } & TextareaHTMLAttributes<HTMLTextAreaElement>;

/** A labelled textarea with its error tied to it, like `Field` for inputs. */
export function TextAreaField({ label, error, hint, id, ...textarea }: TextAreaFieldProps) {
  const generated = useId();
  const textareaId = id ?? generated;
  const describedBy = [error ? `${textareaId}-error` : '', hint ? `${textareaId}-hint` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div className="field">
      <label htmlFor={textareaId}>{label}</label>
      <textarea id={textareaId} aria-invalid={error ? true : undefined} aria-describedby={describedBy} rows={5} {...textarea} />
      {hint && (
        <small id={`${textareaId}-hint`} className="hint">
          {hint}
        </small>
      )}
      {error && (
        <small id={`${textareaId}-error`} className="field-error">
          {error}
        </small>
      )}
    </div>
  );
}
