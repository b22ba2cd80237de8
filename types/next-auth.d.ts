// Auth.js's session holds display data only; who may see what is decided by lib/tenants/gate.ts.
export {};
