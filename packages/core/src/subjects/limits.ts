/** The longest user id `veil('identify', …)` accepts (the recorder drops longer ones). */
export const MAX_USER_ID_CHARS = 256;

/**
 * Days a data-subject request may take: GDPR Art. 12(3) allows one month (counted here as 30
 * days); CCPA allows 45. The request log shows the GDPR deadline unless a request says otherwise.
 */
export const SUBJECT_REQUEST_DEADLINE_DAYS = 30;
export const CCPA_REQUEST_DEADLINE_DAYS = 45;
