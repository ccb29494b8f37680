// What runtimes sharing one engine (web replicas) tell each other about an environment so that none
// reaps one another uses: its last activity and its extended expiry. The web app stores them (PostgreSQL).

export interface EnvironmentLease {
  lastActivityAt: Date;
  /** Set once extended: the engine's label keeps the first expiry. */
  expiresAt?: Date;
}

export interface EnvironmentLeases {
  /** Records activity or a new expiry (the store may batch writes; it never throws into the caller). */
  record(environmentId: string, lease: { lastActivityAt?: Date; expiresAt?: Date }): void;
  /** The shared lease of each id that has one. */
  read(environmentIds: string[]): Promise<Map<string, EnvironmentLease>>;
}
