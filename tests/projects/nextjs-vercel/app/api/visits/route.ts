// A route handler: runs as a Vercel Function (Node.js runtime).
export async function GET() {
  return Response.json({ visits: 0 });
}
