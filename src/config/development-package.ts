/**
 * Loads a package that only a development install has (`npm ci` without `--omit=dev`): the
 * emulators of the embedded demo, the embedded PostgreSQL. `specifier` is a variable at the call
 * site, so that TypeScript does not follow it and a production build compiles without it. When the
 * install lacks it, the error says what needs it (`neededFor`) and what to do instead.
 */
export async function importDevelopmentPackage<T>(
  specifier: string,
  explanation: { neededFor: string; instead: string },
): Promise<T> {
  try {
    return (await import(specifier)) as T;
  } catch (error) {
    // A production install lacks the package, its build or its dependencies.
    if ((error as NodeJS.ErrnoException).code !== 'ERR_MODULE_NOT_FOUND') throw error;
    throw new Error(
      `${explanation.neededFor}, which this install lacks (a development package, installed by ` +
        `\`npm ci\` without --omit=dev): ${error instanceof Error ? error.message : String(error)}. ` +
        explanation.instead,
      { cause: error },
    );
  }
}
