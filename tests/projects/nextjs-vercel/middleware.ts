import { NextResponse, type NextRequest } from "next/server";

// Runs on the edge runtime before every matched request.
export function middleware(request: NextRequest) {
  const response = NextResponse.next();
  response.headers.set("x-pathname", request.nextUrl.pathname);
  return response;
}

export const config = { matcher: ["/api/:path*"] };
