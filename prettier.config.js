// Prettier options chosen to match the code as written: of the candidate sets, this one leaves the
// fewest files to change (printWidth 180 over 100–240; single quotes; trailing commas everywhere).
/** @type {import('prettier').Config} */
export default {
  printWidth: 180,
  singleQuote: true,
  trailingComma: 'all',
};
