// Placeholder: replaced by the DBLambdaLocal implementation.
