export * from './errors';
export * from './functionMetadata';
export * from './functionRegistry';
export * from './functionsCore';
export * from './installFunctionsCore';
export * from './invokeFunction';
