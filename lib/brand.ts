// What the customer sees of the product and its vendor: PRODUCT_NAME, COMPANY_NAME and
// SUPPORT_EMAIL (lib/config.ts, .env.example). Read when used, not when this module is imported:
// a wrong value is reported once by the start-up check (lib/startup.ts), naming the variable,
// and importing a page (the build, a test) never throws for it.
import { brandConfig } from "./config";

export const brand = {
  /** PRODUCT_NAME: the header, the page titles, the registration's name on the consent screen. */
  get productName(): string {
    return brandConfig().productName;
  },
  /** COMPANY_NAME: who sells the product (the footer, the legal pages). */
  get vendorName(): string {
    return brandConfig().companyName;
  },
  /** SUPPORT_EMAIL: where customers write (the footer, the legal pages, "Contact sales"). */
  get supportEmail(): string {
    return brandConfig().supportEmail;
  },
};
