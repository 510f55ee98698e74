/** Why an expression cannot be parsed or evaluated; the message names the expression's part at fault. */
export class ExpressionError extends Error {}
