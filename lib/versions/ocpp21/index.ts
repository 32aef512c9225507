/**
 * OCPP 2.1: 2.0.1's adapter where the two agree (recognition, channels, commands,
 * transactions, error codes), with 2.1's own schemas, the actions it added, their
 * automatic replies, and the RPC framework's CALLRESULTERROR and SEND.
 */
import { CALLRESULTERROR, SEND } from '../../rpc/frames';
import { OCPP201 } from '../ocpp201';
import type { SchemaTable, VersionAdapter } from '../types';
import { REPLIES_21 } from './replies';

let table: SchemaTable | undefined;

/**
 * OCA's official 2.1 JSON schemas as ocpp-rpc ships them (one array, `$id` "urn:<Action>Request"
 * / "urn:<Action>Response"; the SEND-only NotifyPeriodicEventStream has no suffix). The table is
 * keyed by that name; the `$id` itself is left out, because ajv 8.20's URI parser refuses a URN
 * without a namespace id (`urn:AuthorizeRequest`), and the schemas refer only to themselves.
 */
function schemas21(): SchemaTable {
  if (!table) {
    const list = require('ocpp-rpc/lib/schemas/ocpp2_1.json') as { $id: string }[];
    table = {};
    for (const { $id, ...schema } of list) {
      const name = $id.replace(/^urn:/, '');
      table[/(Request|Response)$/.test(name) ? name : name + 'Request'] = schema;
    }
  }
  return table;
}

/** Actions 2.1 added, by direction. */
const NEW_STATION_ACTIONS = [
  'BatterySwap',
  'ClosePeriodicEventStream',
  'GetCertificateChainStatus',
  'NotifyDERAlarm',
  'NotifyDERStartStop',
  'NotifyPeriodicEventStream',
  'NotifyPriorityCharging',
  'NotifySettlement',
  'OpenPeriodicEventStream',
  'PullDynamicScheduleUpdate',
  'ReportDERControl',
  'VatNumberValidation',
];
const NEW_CENTRAL_ACTIONS = [
  'AdjustPeriodicEventStream',
  'AFRRSignal',
  'ChangeTransactionTariff',
  'ClearDERControl',
  'ClearTariffs',
  'GetDERControl',
  'GetPeriodicEventStream',
  'GetTariffs',
  'NotifyAllowedEnergyTransfer',
  'NotifyWebPaymentStarted',
  'RequestBatterySwap',
  'SetDefaultTariff',
  'SetDERControl',
  'UpdateDynamicSchedule',
  'UsePriorityCharging',
];

export const OCPP21: VersionAdapter = {
  ...OCPP201,
  version: 'ocpp2.1',
  label: 'OCPP 2.1',
  schemas: schemas21,
  stationActions: [...OCPP201.stationActions, ...NEW_STATION_ACTIONS].sort(),
  centralActions: [...OCPP201.centralActions, ...NEW_CENTRAL_ACTIONS].sort(),
  // the RPC framework message types OCPP 2.1 Part 4 added
  extraMessageTypes: new Set([CALLRESULTERROR, SEND]),
  replies: REPLIES_21,
};
