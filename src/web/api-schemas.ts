import { Type } from 'typebox';

/** The body of every API error reply (`platform/http` error handler): status, code, message, fields at fault. */
export const ErrorBody = Type.Object({
  error: Type.Object({
    status: Type.Integer(),
    code: Type.String(),
    message: Type.String(),
    fields: Type.Optional(Type.Array(Type.Object({ field: Type.String(), message: Type.String() }))),
  }),
  requestId: Type.String(),
});
