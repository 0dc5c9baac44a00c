// The local stand-in for the Functions host, for the embedded launcher (`npm start`).
export { startLocalFunctions, type LocalFunctions, type LocalFunctionsOptions, type LocalSchedules } from './local-functions';
