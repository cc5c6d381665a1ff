/**
 * Names a command's option values by inference from its definition
 * (`@commander-js/extra-typings`), so run functions need no hand-kept
 * interface that could drift from the flags.
 */

/** The parsed option values of a command built with `@commander-js/extra-typings`. */
export type OptionsOf<C extends { opts(): unknown }> = ReturnType<C['opts']>;
