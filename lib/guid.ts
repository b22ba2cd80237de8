// A GUID as Microsoft writes them (tenant, object, subscription and operation ids): the one
// pattern every check of such an id uses.
export const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
