/**
 * What differs between OCPP-J versions, gathered in one typed adapter per version
 * (lib/versions/<version>/). The rest of lib/ asks the adapter and never compares a
 * version string itself.
 */
import type { StationState } from '../channels/model';
import type { MeterReader } from '../channels/readings';
import type { StationRecord } from '../registry/station-registry';
import type { TransactionEvent } from '../sessions/session-tracker';

export type OcppVersion = 'ocpp1.6' | 'ocpp2.0.1' | 'ocpp2.1';

/** The protocol-level error codes whose spelling differs between versions. */
export interface ErrorCodes {
  /** Frame is not JSON / not an array / wrong types in the frame itself. */
  formation: string;
  /** Payload is syntactically wrong for the action (schema structure). */
  format: string;
  property: string;
  occurrence: string;
  type: string;
  /** Unknown message type number; 1.6 has no own code for it. */
  messageType: string;
  notImplemented: string;
  notSupported: string;
  internal: string;
  generic: string;
}

/** The official JSON schemas of a version: `<Action>Request` / `<Action>Response` → schema. */
export type SchemaTable = Record<string, object>;

/** What the automatic replies depend on besides the request. */
export interface ReplyContext {
  heartbeatInterval: number;
  unknownIdTags: 'accept' | 'reject';
  /** 1.6 StartTransaction: the id allocated for it. */
  transactionId?: number;
  /** The clock for the replies that carry the current time; default: now. */
  now?: Date;
  /** When the CALL arrived (ms), if it is answered at once: the time its reply carries, without reading the clock again. */
  receivedAt?: number;
}

/** The automatic answer to one action (README: Automatic replies). */
export type Reply = (request: Record<string, unknown>, ctx: ReplyContext) => Record<string, unknown>;

/*
 * The handlers below are kept in tables of many actions, while each handler reads its own
 * action's payload type (Ocpp16Types.StatusNotificationRequest, ...). No one parameter type
 * is every action's, so the tables take them as methods, whose parameters TypeScript
 * compares both ways: a handler for `object` payloads may narrow it to its action's type.
 */
interface PayloadHandlers {
  recognise(record: StationRecord, request: object): boolean;
  observe(state: StationState, request: object, response: object, receivedAt: string): void;
  transaction(station: string, request: object, response: object): TransactionEvent | null;
}

/** Fills the station's record from one CALL it sent; true when anything changed. */
export type Recogniser = PayloadHandlers['recognise'];

/** Updates a station's state from one answered CALL (see lib/channels/observe.ts). */
export type ObserveHandler = PayloadHandlers['observe'];

/** How a version's CALLs change the channels. */
export interface ObserveRules {
  handlers: ReadonlyMap<string, ObserveHandler>;
  /** The MeterValues property naming the connector (1.6 connectorId, 2.x evseId). */
  meterConnector: string;
  /** Reads one sampledValue in the version's shape. */
  readMeter: MeterReader;
}

/** A write channel's command: an action and its payload. */
export interface WriteCommand {
  action: string;
  payload: Record<string, unknown>;
}

/** A currentLimit / powerLimit, as lib/channels/commands.ts has worked it out. */
export interface LimitSpec {
  connector: number;
  profileId: number;
  stackLevel: number;
  /** Connector 0: the station maximum, Absolute from `startSchedule`. */
  station: boolean;
  unit: 'A' | 'W';
  limit: number;
  startSchedule: string;
}

/** The commands behind the write channels. */
export interface ChannelCommands {
  /** Longest id tag a remote start may carry. */
  idTagMaxLength: number;
  setLimit(spec: LimitSpec): WriteCommand;
  clearLimit(profileId: number): WriteCommand;
  setAvailable(connector: number, operative: boolean): WriteCommand;
  remoteStart(connector: number, idTag: string, remoteStartId: number): WriteCommand;
  remoteStop(transactionId: string | number): WriteCommand;
  /** A transaction id of this version's kind (one the station can be asked to stop). */
  isTransactionId(id: unknown): boolean;
  /** A reset, or the reason why this version cannot reset that connector. */
  reset(connector: number, hard: boolean): WriteCommand | { refused: string };
  unlock(connector: number): WriteCommand;
}

/** What a station's SignCertificate asks for: the CSR, and the certificate's use (`ChargingStationCertificate`, 2.x `V2GCertificate`, ...). */
export interface SigningRequest {
  csr: string;
  use: string;
}

/** The payloads of SignCertificate and CertificateSigned in the version's shape (README: Station certificates). */
export interface CertificateMessages {
  readSignCertificate(payload: Record<string, unknown>): SigningRequest;
  /** The answer to SignCertificate; a reason code and text only where the version has a place for them. */
  signCertificateResponse(accepted: boolean, reasonCode?: string, info?: string): Record<string, unknown>;
  /** The CertificateSigned command that delivers a signed chain. */
  certificateSigned(chain: string, use: string): Record<string, unknown>;
}

/** What an answered CALL tells about a transaction, as the sessions take it; null when it tells nothing. */
export type TransactionExtractor = PayloadHandlers['transaction'];

export interface VersionAdapter {
  version: OcppVersion;
  /** How the editor names it. */
  label: string;
  /** The official schemas, loaded on first use. */
  schemas(): SchemaTable;
  /** CALLs a charging station sends to the central system. */
  stationActions: readonly string[];
  /** CALLs the central system sends to a charging station. */
  centralActions: readonly string[];
  errors: ErrorCodes;
  /** Every CALLERROR code this version defines. */
  errorCodes: readonly string[];
  /** RPC message types beyond CALL, CALLRESULT and CALLERROR that this version defines. */
  extraMessageTypes: ReadonlySet<number>;
  /** The automatic answer to every CALL a station of this version can send. */
  replies: ReadonlyMap<string, Reply>;
  /** The action whose reply carries a transaction id the central system assigns, if any. */
  centralTransactionIdAction: string | null;
  recognise: ReadonlyMap<string, Recogniser>;
  observe: ObserveRules;
  commands: ChannelCommands;
  /** By action: the transaction event its answered CALL tells (README: Sessions). */
  transactions: ReadonlyMap<string, TransactionExtractor>;
  certificates: CertificateMessages;
  /** The id tag a command hands the station for a remote start, else null. */
  remoteStartTag(action: string, payload: unknown): string | null;
  /** The id tag a station's CALL asks about (Authorize, start, ...), else undefined. */
  requestIdTag(request: unknown): string | undefined;
  /**
   * Where this version carries a decimal number as a string (1.6 `sampledValue.value`):
   * in lenient validation a number sent there becomes its decimal string, and a decimal
   * comma a point. `array` is the property holding the objects, `property` the value in each.
   */
  decimalStrings: readonly { array: string; property: string }[];
}

/** Kept under its earlier name: the rest of lib/ calls a version's adapter its profile. */
export type VersionProfile = VersionAdapter;
