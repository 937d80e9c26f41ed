/** The text an operation is persisted under: the operation, then the fragments it uses by name. */
import { Kind, print, type DocumentNode, type FragmentDefinitionNode, type OperationDefinitionNode } from 'graphql';

export function canonicalText(operation: OperationDefinitionNode, fragments: FragmentDefinitionNode[]): string {
  return [operation, ...[...fragments].sort((a, b) => a.name.value.localeCompare(b.name.value))]
    .map((d) => print(d))
    .join('\n\n');
}

/** The canonical text of a document holding one operation and its fragments (as codegen emits them). */
export function canonicalDocument(document: DocumentNode): string {
  const operation = document.definitions.find(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  )!;
  const fragments = document.definitions.filter(
    (d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION,
  );
  return canonicalText(operation, fragments);
}
