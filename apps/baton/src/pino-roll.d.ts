// pino-roll ships no types: the part of its API Baton uses (README of pino-roll 4).
declare module "pino-roll" {
  import type { EventEmitter } from "node:events";

  export interface RollingStream extends EventEmitter {
    write(data: string): boolean;
    end(): void;
    destroy(): void;
    readonly file: string;
  }

  export default function build(options: {
    file: string;
    size?: string | number;
    extension?: string;
    mkdir?: boolean;
    sync?: boolean;
    limit?: { count?: number; removeOtherLogFiles?: boolean };
  }): Promise<RollingStream>;
}
