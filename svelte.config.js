// Svelte 5 in runes mode everywhere: state lives in $state, not in `let` magic.
export default {
  compilerOptions: { runes: true },
};
