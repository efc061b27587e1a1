// Placeholder: replaced by the DatabaseLambda façade.
