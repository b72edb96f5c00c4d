// SessionFeature: SoupSessionFeature — what a feature may hook into. Every hook is
// optional; the session calls only the ones a feature has.
import type { Message } from '../message';
import type { Session } from '../session';

export interface SessionFeature {
  /** soup_session_feature_attach: the feature was added to `session`. */
  attach?(session: Session): void;
  /** soup_session_feature_detach. */
  detach?(session: Session): void;
  /** A message entered the queue. */
  requestQueued?(session: Session, msg: Message): void;
  /** Before each (re)start: extra request header lines ("Name: value") for this request. */
  prepareRequest?(session: Session, msg: Message, extraHeaders: string[]): void;
  /** A response arrived (each one: redirects and authentication rounds included). */
  responseReceived?(session: Session, msg: Message): void;
  /** A message left the queue. */
  requestUnqueued?(session: Session, msg: Message): void;
  /** soup_session_feature_add_feature: take a sub-feature type (the AuthManager: an Auth type); false: not one of its kind. */
  addFeatureType?(type: Function): boolean;
  /** soup_session_feature_remove_feature. */
  removeFeatureType?(type: Function): boolean;
  /** soup_session_feature_has_feature. */
  hasFeatureType?(type: Function): boolean;
}

/** A feature class, as addFeatureByType / getFeature take it. */
export type SessionFeatureType<T extends SessionFeature = SessionFeature> = abstract new (...args: never[]) => T;
