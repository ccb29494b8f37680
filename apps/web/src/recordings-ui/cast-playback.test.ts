import { describe, expect, it } from "vitest";
import { parseCastFile } from "./cast-file";
import { CastPlayback, type CastScreen, type PlaybackClock } from "./cast-playback";

const text = [
  JSON.stringify({ version: 2, width: 80, height: 24 }),
  JSON.stringify([0.1, "o", "a"]),
  JSON.stringify([0.5, "m", "Check passed (step 1)"]),
  JSON.stringify([1.0, "o", "b"]),
  JSON.stringify([1.5, "r", "100x30"]),
  JSON.stringify([2.0, "o", "c"]),
].join("\n");

function fixture() {
  const writes: string[] = [];
  const sizes: string[] = [];
  let screen = "";
  const target: CastScreen = {
    reset: () => {
      screen = "";
    },
    write: (data) => {
      writes.push(data);
      screen += data;
    },
    resize: (cols, rows) => sizes.push(`${cols}x${rows}`),
  };
  let now = 0;
  const frames: (() => void)[] = [];
  const clock: PlaybackClock = {
    now: () => now,
    requestFrame: (callback) => frames.push(callback),
    cancelFrame: () => frames.splice(0),
  };
  const states: string[] = [];
  const playback = new CastPlayback(parseCastFile(text), target, (_position, state) => states.push(state), clock);
  const advance = (ms: number) => {
    now += ms;
    frames.splice(0).forEach((frame) => {
      frame();
    });
  };
  return { playback, advance, screen: () => screen, sizes, states, writes };
}

describe("CastPlayback", () => {
  it("plays events as their time comes, at the chosen speed, and ends", () => {
    const { playback, advance, screen, sizes, states } = fixture();
    playback.play();
    expect(screen()).toBe("");
    advance(200);
    expect(screen()).toBe("a");
    playback.setSpeed(2);
    advance(500); // 0.2 s + 1.0 s of recording
    expect(screen()).toBe("ab");
    advance(1_000);
    expect(screen()).toBe("abc");
    expect(sizes).toEqual(["80x24", "100x30"]);
    expect(states.at(-1)).toBe("ended");
  });

  it("pauses where it is and seeks back and forth, rebuilding the screen", () => {
    const { playback, advance, screen } = fixture();
    playback.play();
    advance(1_100);
    playback.pause();
    advance(5_000);
    expect(screen()).toBe("ab");
    expect(playback.state).toBe("paused");
    playback.seek(0.5);
    expect(screen()).toBe("a");
    playback.seek(10);
    expect(screen()).toBe("abc");
    expect(playback.position).toBe(2);
  });
});
