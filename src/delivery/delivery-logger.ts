// The slice of a pino logger the delivery code uses (tests pass a recording fake).
export interface DeliveryLogger {
  debug(details: object, message: string): void;
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}
