import {
  BANNER_LANGUAGES,
  BANNER_TEXT_FIELDS,
  type BannerTexts,
  bannerLanguage,
  DEFAULT_BANNER_TEXTS,
} from '@veil/core';
import { type FormEvent, useEffect, useId, useState } from 'react';
import { describeError } from '../api/ApiError';
import { ErrorNotice, Loading } from '../components/ErrorNotice';
import { useResource } from '../hooks/useResource';
import type { ComplianceApi } from './complianceApi';

const FIELD_LABELS: Readonly<Record<keyof BannerTexts, string>> = {
  title: 'Heading',
  body: 'Text',
  accept: 'Accept button',
  reject: 'Reject button',
  settings: 'Choose button',
  save: 'Save button',
  settingsTitle: 'Choices heading',
  analyticsLabel: 'Category',
  analyticsDescription: 'Category description',
  privacyLinkLabel: 'Privacy link text',
  privacyUrl: 'Privacy notice URL',
};

/**
 * The built-in banner's texts of one site, per language: empty fields keep Veil's wording
 * (shown as placeholders). Every receipt records the hash of the texts shown, so a change of
 * wording is visible in the evidence; every save is in the audit log.
 */
export function BannerTextsEditor({ siteKey, compliance }: { siteKey: string; compliance: ComplianceApi }) {
  const id = useId();
  const [state, reload] = useResource(`banner/${siteKey}`, (signal) =>
    compliance.bannerTexts(siteKey, signal),
  );
  const [language, setLanguage] = useState('en');
  const [draft, setDraft] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);

  const saved =
    state.status === 'ready' ? state.data.languages.find((l) => l.language === language) : undefined;
  useEffect(() => {
    setDraft(saved?.texts ?? {});
  }, [saved]);

  const defaults = DEFAULT_BANNER_TEXTS[bannerLanguage(language)];
  const save = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setMessage(null);
    try {
      const texts = Object.fromEntries(Object.entries(draft).filter(([, v]) => v.trim() !== ''));
      await compliance.saveBannerTexts(siteKey, language, texts);
      setMessage({ ok: true, text: `Saved the ${language} texts.` });
      reload();
    } catch (error) {
      setMessage({ ok: false, text: describeError(error) });
    } finally {
      setBusy(false);
    }
  };
  const remove = async () => {
    setBusy(true);
    setMessage(null);
    try {
      await compliance.removeBannerTexts(siteKey, language);
      setMessage({ ok: true, text: `Veil's ${language} texts apply again.` });
      reload();
    } catch (error) {
      setMessage({ ok: false, text: describeError(error) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card compliance-card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`} className="card__title">
        Banner texts
      </h2>
      <p className="muted small">
        For sites using Veil's banner (<code>data-consent="banner"</code>). Empty fields keep Veil's wording.
      </p>
      {state.status === 'loading' && <Loading label="Loading banner texts…" />}
      {state.status === 'error' && (
        <ErrorNotice error={state.error} title="Could not load banner texts" onRetry={reload} />
      )}
      {state.status === 'ready' && (
        <form className="form form--grid" onSubmit={save}>
          <div className="field">
            <label htmlFor={`${id}-lang`}>Language (two letters)</label>
            <input
              id={`${id}-lang`}
              value={language}
              maxLength={2}
              pattern="[a-z]{2}"
              list={`${id}-langs`}
              onChange={(e) => setLanguage(e.target.value.toLowerCase())}
            />
            <datalist id={`${id}-langs`}>
              {[...new Set([...BANNER_LANGUAGES, ...state.data.languages.map((l) => l.language)])].map(
                (l) => (
                  <option key={l} value={l} />
                ),
              )}
            </datalist>
          </div>
          {BANNER_TEXT_FIELDS.map((field) => (
            <div
              className={`field${field === 'body' || field === 'analyticsDescription' ? ' field--wide' : ''}`}
              key={field}
            >
              <label htmlFor={`${id}-${field}`}>{FIELD_LABELS[field]}</label>
              {field === 'body' ? (
                <textarea
                  id={`${id}-${field}`}
                  rows={3}
                  value={draft[field] ?? ''}
                  placeholder={defaults[field]}
                  onChange={(e) => setDraft({ ...draft, [field]: e.target.value })}
                />
              ) : (
                <input
                  id={`${id}-${field}`}
                  type={field === 'privacyUrl' ? 'url' : 'text'}
                  value={draft[field] ?? ''}
                  placeholder={defaults[field] || (field === 'privacyUrl' ? 'https://…' : '')}
                  onChange={(e) => setDraft({ ...draft, [field]: e.target.value })}
                />
              )}
            </div>
          ))}
          <div className="form__actions field--wide">
            <button
              type="submit"
              className="button button--primary"
              disabled={busy || !/^[a-z]{2}$/.test(language)}
            >
              Save {language} texts
            </button>
            {saved && (
              <button type="button" className="button button--ghost" disabled={busy} onClick={remove}>
                Use Veil's {language} texts
              </button>
            )}
          </div>
        </form>
      )}
      <div aria-live="polite">
        {message && (
          <p
            className={`notice notice--${message.ok ? 'success' : 'error'}`}
            role={message.ok ? undefined : 'alert'}
          >
            {message.text}
          </p>
        )}
      </div>
    </section>
  );
}
