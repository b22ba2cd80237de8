// Where the browser tests reach the app. `localhost`, not 127.0.0.1: Next.js reports 127.0.0.1
// as localhost to route handlers, so Auth.js would compute a callback URL that differs from
// the one it sent to the identity provider.
export const appPort = Number(process.env.E2E_PORT || 3100);
export const appUrl = `http://localhost:${appPort}`;
