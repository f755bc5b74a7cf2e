// soc-incident-step.json: the one-line reply under the SOC card for each step of the incident.
import type { CardTimestamp, TextColor } from './card-parts.ts';

/** soc-incident-step: the one-line reply under the channel card for each step. */
export interface SocIncidentStepCardData {
  /** e.g. "Experts started investigating", "Resolved as False positive (Not malicious)". */
  text: string;
  at: CardTimestamp;
  /** `good` for resolutions, `warning` for awaiting, `attention` for failures, else `default`. */
  color: TextColor;
}
