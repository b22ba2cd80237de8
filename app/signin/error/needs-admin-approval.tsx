// For someone whose organization lets only administrators approve apps (AADSTS90094, 90093) or
// who already sent a request through Entra's admin consent workflow (90095): what to hand to IT,
// ready to send, and the way in for an administrator who reads this page themselves.
import { brand } from "@/lib/brand";
import { config } from "@/lib/config";
import { AdminSignUpLink } from "../../admin-signup-link";
import { CopyField } from "../../copy-field";

export function NeedsAdminApproval({ requested }: { requested: boolean }) {
  const product = brand.productName;
  // The public URL (lib/config.ts): never the request's Host header, which a client writes.
  const link = `${config().auth.url ?? ""}/signup`;
  const message = [
    "Hello,",
    `I would like to use ${product} with my work account, but our organization lets only administrators approve new apps. Could an administrator (Global Administrator, Privileged Role Administrator, Cloud Application Administrator or Application Administrator) approve it for the organization? It takes a minute, here:`,
    link,
    `${product} asks to sign people in, read their basic profile (name and e-mail address) and read our organization's name. It cannot read mail, files or calendars.`,
    "Thank you!",
  ].join("\n\n");

  return (
    <>
      {requested ? (
        <p>
          Your request to use {product} was sent to your organization&apos;s administrators through Microsoft. Once one
          of them approves it for the organization, sign in again: there will be nothing more to approve.
        </p>
      ) : (
        <p>
          Your organization lets only its administrators approve new apps. Once an administrator approves {product} for
          the organization (it takes a minute), you and your colleagues sign in with nothing more to approve.
        </p>
      )}
      <h2 className="pt-2 text-xl font-semibold text-slate-900">Ask your IT department</h2>
      <p>
        {requested ? "To speed it up, send" : "Send"} your IT department this link, or the message below: it is ready to
        send.
      </p>
      <CopyField label="Sign-up link for an administrator" value={link} copyLabel="Copy link" />
      <CopyField label="Message to your IT department" value={message} copyLabel="Copy message" rows={9} />
      <h2 className="pt-2 text-xl font-semibold text-slate-900">Are you an administrator?</h2>
      <p>Approve {product} for everyone in your organization yourself:</p>
      <p>
        <AdminSignUpLink label="I'm an administrator: approve for the organization" />
      </p>
    </>
  );
}
