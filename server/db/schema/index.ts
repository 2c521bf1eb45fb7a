/**
 * The one database schema (Drizzle). `npm run db:generate` turns changes here into a new SQL
 * migration in ../migrations, which is reviewed as SQL and never edited after it lands.
 * Instants are timestamptz; quantities and minutes are integers.
 */
export * from './organisation';
export * from './tickets';
export * from './time-rules';
export * from './platform';
export * from './mail';
export * from './mail-out';
export * from './installed-base';
export * from './field-service';
