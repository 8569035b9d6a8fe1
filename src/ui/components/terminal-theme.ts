/** The consoles' xterm colours (VM consoles and the dom0 console look alike). */
import type { ITheme } from '@xterm/xterm';

export const TERMINAL_THEME: ITheme = {
  background: '#11161d', foreground: '#d7dde5', cursor: '#8fc7e3', cursorAccent: '#11161d',
  selectionBackground: '#3a5a70', black: '#1b222b', brightBlack: '#5c6773',
  scrollbarSliderBackground: 'rgba(160, 175, 195, 0.16)',
  scrollbarSliderHoverBackground: 'rgba(160, 175, 195, 0.28)',
  scrollbarSliderActiveBackground: 'rgba(160, 175, 195, 0.36)',
  red: '#e06c64', green: '#7fc97f', yellow: '#e3c46f', blue: '#6fa8dc', magenta: '#c39ad9', cyan: '#6cc4c4', white: '#d7dde5',
};
