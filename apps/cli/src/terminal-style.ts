// ANSI styling for human output; every function returns the text unchanged when colour is off.

export interface TerminalStyle {
  bold(text: string): string;
  dim(text: string): string;
  red(text: string): string;
  yellow(text: string): string;
  green(text: string): string;
}

const ESC = "\u001b[";

function wrap(enabled: boolean, open: number, close: number): (text: string) => string {
  return enabled ? (text) => `${ESC}${open}m${text}${ESC}${close}m` : (text) => text;
}

export function terminalStyle(color: boolean): TerminalStyle {
  return {
    bold: wrap(color, 1, 22),
    dim: wrap(color, 2, 22),
    red: wrap(color, 31, 39),
    yellow: wrap(color, 33, 39),
    green: wrap(color, 32, 39),
  };
}
