// Plays a parsed recording onto a screen (xterm.js in the page): play, pause, speed, seek. Seeking back
// resets the screen and writes everything up to the new position at once; playing applies the events
// whose time has come on each animation frame.
import type { CastFile } from "./cast-file";

export interface CastScreen {
  reset(): void;
  write(data: string): void;
  resize(cols: number, rows: number): void;
}

export type PlaybackState = "paused" | "playing" | "ended";

export interface PlaybackClock {
  now(): number;
  requestFrame(callback: () => void): number;
  cancelFrame(handle: number): void;
}

const browserClock: PlaybackClock = {
  now: () => performance.now(),
  requestFrame: (callback) => requestAnimationFrame(callback),
  cancelFrame: (handle) => cancelAnimationFrame(handle),
};

export class CastPlayback {
  readonly #file: CastFile;
  readonly #screen: CastScreen;
  readonly #clock: PlaybackClock;
  readonly #onChange: (position: number, state: PlaybackState) => void;
  /** Index of the next event to apply. */
  #next = 0;
  #position = 0;
  #speed = 1;
  #state: PlaybackState = "paused";
  /** Clock time and position when playing last (re)started. */
  #anchor = { clock: 0, position: 0 };
  #frame: number | undefined;

  constructor(
    file: CastFile,
    screen: CastScreen,
    onChange: (position: number, state: PlaybackState) => void,
    clock: PlaybackClock = browserClock,
  ) {
    this.#file = file;
    this.#screen = screen;
    this.#clock = clock;
    this.#onChange = onChange;
    this.#screen.resize(file.cols, file.rows);
  }

  get position(): number {
    return this.#position;
  }

  get state(): PlaybackState {
    return this.#state;
  }

  play(): void {
    if (this.#state === "playing") return;
    if (this.#state === "ended" || this.#position >= this.#file.duration) this.seek(0);
    this.#state = "playing";
    this.#anchor = { clock: this.#clock.now(), position: this.#position };
    this.#tick();
  }

  pause(): void {
    if (this.#state !== "playing") return;
    this.#advanceTo(this.#currentPosition());
    this.#stopFrames();
    this.#state = "paused";
    this.#onChange(this.#position, this.#state);
  }

  setSpeed(speed: number): void {
    if (this.#state === "playing") this.#anchor = { clock: this.#clock.now(), position: this.#currentPosition() };
    this.#speed = speed;
  }

  /** Shows the screen as it was at `seconds` (clamped to the recording); keeps playing if it was. */
  seek(seconds: number): void {
    const target = Math.min(Math.max(seconds, 0), this.#file.duration);
    if (target < this.#position || this.#next === 0) {
      this.#screen.reset();
      this.#screen.resize(this.#file.cols, this.#file.rows);
      this.#next = 0;
    }
    this.#position = target;
    this.#apply(target);
    if (this.#state === "ended" && target < this.#file.duration) this.#state = "paused";
    if (this.#state === "playing") this.#anchor = { clock: this.#clock.now(), position: target };
    this.#onChange(this.#position, this.#state);
  }

  dispose(): void {
    this.#stopFrames();
  }

  #currentPosition(): number {
    const elapsed = ((this.#clock.now() - this.#anchor.clock) / 1000) * this.#speed;
    return Math.min(this.#anchor.position + elapsed, this.#file.duration);
  }

  #tick = (): void => {
    this.#frame = undefined;
    if (this.#state !== "playing") return;
    this.#advanceTo(this.#currentPosition());
    if (this.#position >= this.#file.duration) {
      this.#state = "ended";
      this.#onChange(this.#position, this.#state);
      return;
    }
    this.#onChange(this.#position, this.#state);
    this.#frame = this.#clock.requestFrame(this.#tick);
  };

  #advanceTo(position: number): void {
    this.#position = position;
    this.#apply(position);
  }

  /** Applies the events up to `position`, batching consecutive output into one write. */
  #apply(position: number): void {
    const events = this.#file.events;
    let output = "";
    while (this.#next < events.length && events[this.#next]!.time <= position) {
      const event = events[this.#next]!;
      if (event.code === "o") output += event.data;
      else if (event.code === "r") {
        const [cols, rows] = event.data.split("x").map(Number);
        if (output) this.#screen.write(output);
        output = "";
        if (cols && rows) this.#screen.resize(cols, rows);
      }
      this.#next += 1;
    }
    if (output) this.#screen.write(output);
  }

  #stopFrames(): void {
    if (this.#frame !== undefined) this.#clock.cancelFrame(this.#frame);
    this.#frame = undefined;
  }
}
