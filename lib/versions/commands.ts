import type { LimitSpec, WriteCommand } from './types';

/** A write channel's command, its payload checked against the version's payload type. */
export function command<P extends object>(action: string, payload: P): WriteCommand {
  return { action, payload: payload as Record<string, unknown> };
}

/**
 * What a limit's charging profile is alike in every version: its stack level, and its kind
 * (README: Channels): Relative for a connector, Absolute from a start in the past for the station.
 */
export function profileBasics(l: LimitSpec): { stackLevel: number; chargingProfileKind: 'Absolute' | 'Relative' } {
  return { stackLevel: l.stackLevel, chargingProfileKind: l.station ? 'Absolute' : 'Relative' };
}

/** A limit's schedule: one period from the start, in A or W. */
export function limitSchedule(l: LimitSpec): {
  startSchedule?: string;
  chargingRateUnit: 'A' | 'W';
  chargingSchedulePeriod: { startPeriod: number; limit: number }[];
} {
  return {
    ...(l.station ? { startSchedule: l.startSchedule } : {}),
    chargingRateUnit: l.unit,
    chargingSchedulePeriod: [{ startPeriod: 0, limit: l.limit }],
  };
}
