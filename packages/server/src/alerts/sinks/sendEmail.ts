import nodemailer from 'nodemailer';
import type { EmailSinkSettings } from '../../storage/alerts/AlertSinkRepository.js';
import type { AlertMessage } from '../alertMessage.js';
import { DeliveryError } from './sendWebhook.js';

/** An SMTP server that does not answer within this long has failed the attempt. */
export const SMTP_TIMEOUT_MS = 15_000;

/** Sends the message over SMTP with nodemailer; throws `DeliveryError` when the server refuses it. */
export async function sendEmail(
  settings: EmailSinkSettings,
  password: string | null,
  message: AlertMessage,
): Promise<string> {
  const transport = nodemailer.createTransport({
    host: settings.host,
    port: settings.port,
    secure: settings.secure,
    auth: settings.username ? { user: settings.username, pass: password ?? '' } : undefined,
    connectionTimeout: SMTP_TIMEOUT_MS,
    greetingTimeout: SMTP_TIMEOUT_MS,
    socketTimeout: SMTP_TIMEOUT_MS,
  });
  try {
    const info = await transport.sendMail({
      from: settings.from,
      to: settings.to,
      subject: message.subject,
      text: message.text,
    });
    return info.response.slice(0, 200);
  } catch (error) {
    const e = error as { message?: string; responseCode?: number };
    throw new DeliveryError(
      `SMTP: ${e.message ?? 'failed'}`.slice(0, 500),
      e.responseCode === undefined ? null : String(e.responseCode),
    );
  } finally {
    transport.close();
  }
}
