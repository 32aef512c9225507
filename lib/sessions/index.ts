export * from './session-store';
export * from './session-tracker';
export * from './csv';
export { transactionEvent16, energyReadings16 } from './from-ocpp16';
export { transactionEvent201, energyReadings201 } from './from-ocpp201';
export { transactionEventOf } from './from-version';
