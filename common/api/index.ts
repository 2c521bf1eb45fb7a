export * from './shared';
export * from './auth';
export * from './users';
export * from './centers';
export * from './customers';
export * from './tickets';
export * from './calendars';
export * from './notifications';
