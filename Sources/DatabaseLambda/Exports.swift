// The façade re-exports the module types users need, so `import DatabaseLambda` is enough.
@_exported public import DBLambdaCore
@_exported public import DBLambdaEvents
@_exported public import DBLambdaIAM
@_exported public import DBLambdaInvoke
@_exported public import DBLambdaNetwork
@_exported public import DBLambdaPayload
@_exported public import DBLambdaSQL
