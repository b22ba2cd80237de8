// What the customer sees of the product's name. Change these when you make the template yours.
export const brand = {
  productName: "AppSource SaaS Starter",
  vendorName: "Your company",
  supportEmail: "support@example.com",
};
